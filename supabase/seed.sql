-- Demo data: one organization and one user per role, all with the password "mirage-demo".
-- Idempotent (fixed ids, on conflict do nothing) so `mirage start` can run it on every start; the demo audience,
-- template and campaign are written only with the organization (below).
insert into auth.users (id, aud, role, email, encrypted_password, email_confirmed_at, raw_app_meta_data, raw_user_meta_data)
select u.id, 'authenticated', 'authenticated', u.email,
       extensions.crypt('mirage-demo', extensions.gen_salt('bf', 10)), now(),
       '{"provider":"email","providers":["email"]}'::jsonb, jsonb_build_object('name', u.name)
from (values
  ('00000000-0000-4000-8000-000000000001'::uuid, 'owner@demo.mirage.local', 'Olivia Owner'),
  ('00000000-0000-4000-8000-000000000002'::uuid, 'admin@demo.mirage.local', 'Adam Admin'),
  ('00000000-0000-4000-8000-000000000003'::uuid, 'operator@demo.mirage.local', 'Oscar Operator'),
  ('00000000-0000-4000-8000-000000000004'::uuid, 'marketer@demo.mirage.local', 'Maria Marketer'),
  ('00000000-0000-4000-8000-000000000005'::uuid, 'viewer@demo.mirage.local', 'Victor Viewer')
) as u (id, email, name)
on conflict (id) do nothing;

-- The demo's audience, template and campaign are written once, with the organization: on later starts a user's own
-- contacts must not join the demo list (its campaign would write to them), and what they removed stays removed.
select set_config('mirage.demo_first_seed',
  (not exists (select 1 from public.organizations where id = '00000000-0000-4000-8000-0000000000a1'))::text, true);

insert into public.organizations (id, name, slug, timezone)
values ('00000000-0000-4000-8000-0000000000a1', 'Demo Organization', 'demo', 'America/Sao_Paulo')
on conflict (id) do nothing;
-- The demo's numbers are Brazilian: typed without +55 they still parse (only set when nobody chose another).
update public.organizations set default_country = 'BR'
where id = '00000000-0000-4000-8000-0000000000a1' and default_country is null;

insert into public.organization_members (org_id, user_id, role)
values
  ('00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000001', 'owner'),
  ('00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000002', 'admin'),
  ('00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000003', 'operator'),
  ('00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000004', 'marketer'),
  ('00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000005', 'viewer')
on conflict do nothing;

do $$
begin
  if current_setting('mirage.demo_first_seed') = 'true' then
    insert into public.contact_lists (id, org_id, name, description)
    values ('00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-0000000000a1', 'Demo audience',
            'Virtual contacts of the simulator')
    on conflict (id) do nothing;

    insert into public.contacts (id, org_id, phone_e164, name, custom_fields, tags)
    select ('00000000-0000-4000-8000-0000000001' || lpad(n::text, 2, '0'))::uuid,
           '00000000-0000-4000-8000-0000000000a1', '+5511900000' || lpad(n::text, 3, '0'),
           'Contact ' || n, jsonb_build_object('city', (array['São Paulo', 'Rio', 'Recife'])[1 + n % 3]), array['demo']
    from generate_series(1, 20) as n
    on conflict do nothing;

    insert into public.contact_list_members (list_id, contact_id, org_id)
    select '00000000-0000-4000-8000-0000000000c1', c.id, c.org_id
    from public.contacts c where c.org_id = '00000000-0000-4000-8000-0000000000a1'
    on conflict do nothing;

    insert into public.message_templates (id, org_id, name, body, variations)
    values ('00000000-0000-4000-8000-0000000000d1', '00000000-0000-4000-8000-0000000000a1', 'Welcome',
            'Hi {{name}}, thanks for your interest!',
            array['Hello {{name}}, thank you for reaching out!', 'Hey {{name}}! Glad you are interested.'])
    on conflict (id) do nothing;

    -- The demo campaign: the demo audience, any time of day, a pace you can watch (a message every 3–8 s per number).
    -- Pair a number, add it as a sender and start it (README: the phone-free demo).
    insert into public.campaigns (id, org_id, name, status, template_id, list_ids, timezone, schedule, quiet_hours,
                                  pacing, caps, skip_holidays)
    values ('00000000-0000-4000-8000-0000000000e1', '00000000-0000-4000-8000-0000000000a1', 'Demo welcome campaign',
            'draft', '00000000-0000-4000-8000-0000000000d1', array['00000000-0000-4000-8000-0000000000c1']::uuid[],
            'America/Sao_Paulo', '{"windows":[]}', '{}',
            '{"gapMs":{"min":3000,"max":8000},"breakEvery":{"min":8,"max":12},"breakMs":{"min":15000,"max":25000},"typingMsPerChar":30,"typingMs":{"min":800,"max":3000}}',
            '{"perHour":200,"perDay":1000,"warmup":false}', false)
    on conflict (id) do nothing;
  end if;
end
$$;
