/** One provider webhook request as the simulator sends it: already signed (or carrying its token). */
export interface SignedRequest {
  method: 'POST';
  path: string;
  headers: Record<string, string>;
  body: string;
}
