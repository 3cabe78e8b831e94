export {
  type CreateDbOptions,
  checkPoolFits,
  createDb,
  type Database,
  type Db,
  type Pool,
  PoolTooLargeError,
  type Tx,
} from "./client.ts";
