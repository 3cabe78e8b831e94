// The values test/global-setup.ts provides to every project (the template database @mirage/testing clones).
declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
    pgAppPassword: string;
  }
}

export {};
