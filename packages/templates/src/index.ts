export {
  type AnalyzeOptions,
  analyzeTemplate,
  similarity,
  type TemplateAnalysis,
  type TemplateWarning,
  type TemplateWarningCode,
} from "./analyze.ts";
export {
  countCombinations,
  type ParsedTemplate,
  type ParseIssue,
  parseTemplate,
  type TemplateNode,
  variablesOf,
} from "./parse.ts";
export {
  BUILTIN_VARIABLES,
  pickVariant,
  type Random,
  type RenderResult,
  renderTemplate,
  seededRandom,
  type TemplateContact,
  variableValue,
} from "./render.ts";
