import { type ParseArgsConfig, parseArgs } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * A terminal command's arguments, parsed like `parseArgs` with positionals. `--help` (or `-h`) prints `usage` and
 * exits 0; an option the command does not know, or one missing its value, prints what is wrong and `usage` and
 * exits 2 — parseArgs throws for those, and a user typing `./mirage campaign --help` got a Node stack trace.
 */
export function parseCommandLine<O extends Options>(options: O, usage: string, args = process.argv.slice(2)) {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(usage);
    process.exit(0);
  }
  try {
    return parseArgs({ args, allowPositionals: true, options });
  } catch (e) {
    console.error(`${e instanceof Error ? e.message.split(". ")[0] : String(e)}\n${usage}`);
    process.exit(2);
  }
}
