/**
 * Fixes for wx-server-sdk 4.0.2's own types.
 *
 * The SDK types every database call as `Promise<T> | void | string` (the callback style of the mini-program
 * API, which the server SDK does not have) and `init({ env })` as a string although `DYNAMIC_CURRENT_ENV` is a
 * symbol. These augmentations add promise-only overloads (declared later, so TypeScript picks them first) and
 * accept the symbol.
 */
import 'wx-server-sdk';

declare module 'wx-server-sdk' {
  export function init(config?: {
    env?: string | symbol;
    traceUser?: boolean;
    throwOnNotFound?: boolean;
  }): void;
  export function callFunction(param: ICloud.CallFunctionParam): Promise<ICloud.CallFunctionResult>;

  namespace DB {
    interface CollectionReference {
      add(options: IAddDocumentOptions): Promise<IAddResult>;
    }
    interface DocumentReference {
      get(options?: IGetDocumentOptions): Promise<IQuerySingleResult>;
      set(options?: ISetSingleDocumentOptions): Promise<ISetResult>;
      update(options?: IUpdateSingleDocumentOptions): Promise<IUpdateResult>;
      remove(options?: IRemoveSingleDocumentOptions): Promise<IRemoveResult>;
    }
    interface Aggregate {
      end(): Promise<IAggregateResult>;
    }
    interface Query {
      get(options?: IGetDocumentOptions): Promise<IQueryResult>;
      update(options?: IUpdateDocumentOptions): Promise<IUpdateResult>;
      remove(options?: IRemoveDocumentOptions): Promise<IRemoveResult>;
      count(options?: ICountDocumentOptions): Promise<ICountResult>;
    }
  }
}
