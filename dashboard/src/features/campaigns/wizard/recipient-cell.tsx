/**
 * Who a dry-run send goes to: the contact's name over its number, so the review reads as people; the number alone
 * when the contact has no name (or the row has no contact).
 */
export function RecipientCell({ name, phone }: { name: string | null; phone: string }) {
  if (!name) return <span className="tabular-nums">{phone}</span>;
  return (
    <>
      <span className="block font-medium">{name}</span>
      <span className="block text-muted-foreground text-xs tabular-nums">{phone}</span>
    </>
  );
}
