/**
 * A response body that is already JSON text: the protocol sends it as it is instead of serializing it; given
 * as pieces, they are sent one after the other without being joined.
 */
export class JsonBody {
  constructor(readonly text: string | Buffer | readonly Buffer[]) {}
}
