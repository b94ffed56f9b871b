import { BUCKET_HEADINGS, bucketLabel, formatScore, type QualityBucket, type QualitySeries } from './qualitySeries';

/** The chart's figures as a table: every group and bucket, the score to one decimal and its reviews. */
export function QualityTable({
  series,
  bucket,
  groupHeading,
  caption,
}: {
  series: readonly QualitySeries[];
  bucket: QualityBucket;
  groupHeading: string;
  caption: string;
}) {
  return (
    <div className="quality-table-wrap">
      <table className="quality-table" data-testid="quality-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{groupHeading}</th>
            <th scope="col">{BUCKET_HEADINGS[bucket]}</th>
            <th scope="col" className="quality-number">
              Quality score
            </th>
            <th scope="col" className="quality-number">
              Reviews
            </th>
          </tr>
        </thead>
        <tbody>
          {series.flatMap((s) =>
            s.points.map((p) => (
              <tr
                key={`${s.key}|${p.bucketStart}`}
                data-testid="quality-row"
                data-group={s.key}
                data-bucket={p.bucketStart}
              >
                <th scope="row">{s.name}</th>
                <td>{bucketLabel(bucket, p.bucketStart)}</td>
                <td className="quality-number">{formatScore(p.score)}</td>
                <td className="quality-number">{p.reviews}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </div>
  );
}
