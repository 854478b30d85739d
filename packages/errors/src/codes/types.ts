/** What every stable error code carries. Messages tell a desk operator what to do next. */
export interface ErrorSpec {
  /** Retrying the same operation (possibly after the operator acts) can succeed. */
  readonly retriable: boolean;
  /** HTTP status used when the local API reports this error as problem+json. */
  readonly http: number;
  readonly zh: string;
  readonly en: string;
}

export type ErrorTable = Record<string, ErrorSpec>;
