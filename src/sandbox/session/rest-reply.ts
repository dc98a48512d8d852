/** What a REST handler of either protocol answers: a status, a JSON body and any extra headers. */
export interface RestReply {
  status: number
  body: unknown
  headers?: Record<string, string>
}
