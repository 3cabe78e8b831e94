declare module "damerau-levenshtein" {
  /** Damerau-Levenshtein distance: `steps` edits (insert, delete, substitute, swap neighbours) turn one into the other. */
  export default function distance(
    a: string,
    b: string,
    limit?: number,
  ): {
    steps: number;
    relative: number;
    similarity: number;
  };
}
