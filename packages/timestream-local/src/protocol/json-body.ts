/** A response body that is already JSON text: the protocol sends it as it is instead of serializing it. */
export class JsonBody {
  constructor(readonly text: string | Buffer) {}
}
