import path from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Files that take a minute or more of a worker on the 2-core machine (full runs' JSON reports), longest first.
 * Vitest's own order runs project after project (alphabetically) and, without a previous run's timings, larger files
 * first within one: a fresh clone started `scripts/test/stack.test.ts` (over two minutes) fourteen minutes into the
 * run, and the suite waited for it. Started first, the slow files overlap each other and the short ones fill the end.
 */
export const SLOW_FILES = [
  "dashboard/e2e/dashboard.e2e.test.ts",
  "dashboard/e2e/campaigns.e2e.test.ts",
  "dashboard/e2e/audience.e2e.test.ts",
  "scripts/test/stack.test.ts",
  "orchestrator/test/campaigns.e2e.test.ts",
  "dashboard/e2e/settings.e2e.test.ts",
  "dashboard/e2e/inbox.e2e.test.ts",
  "dashboard/e2e/invitations.e2e.test.ts",
  "orchestrator/test/fuzz.integration.test.ts",
  "dashboard/e2e/supabase-auth.e2e.test.ts",
  "orchestrator/test/instances.e2e.test.ts",
];

/** Vitest's sequencer, with SLOW_FILES moved to the front (in that order); the rest keep Vitest's order. */
export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root;
    const rank = (spec: TestSpecification) => {
      const i = SLOW_FILES.indexOf(path.relative(root, spec.moduleId).split(path.sep).join("/"));
      return i === -1 ? SLOW_FILES.length : i;
    };
    return sorted
      .map((spec, i) => ({ spec, i }))
      .sort(
        (a, b) =>
          a.spec.project.config.sequence.groupOrder - b.spec.project.config.sequence.groupOrder ||
          rank(a.spec) - rank(b.spec) ||
          a.i - b.i,
      )
      .map((x) => x.spec);
  }
}
