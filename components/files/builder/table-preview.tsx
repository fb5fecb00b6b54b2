import { FileSpreadsheet } from 'lucide-react'
import { Button } from '@/components/ui/button'
import { Card } from '@/components/ui/card'
import { formatNumber } from '@/lib/format'
import type { LoadedTable } from './build-messages'
import { Notice } from './notice'

const SHOWN_ROWS = 8

/** Step 1 once a table is loaded: its name, size and first rows. */
export function TablePreview({ table, onChooseAnother, onClear }: { table: LoadedTable; onChooseAnother: () => void; onClear: () => void }) {
  return (
    <Card
      title="1. Table"
      id="table-heading"
      actions={
        <div className="flex gap-2">
          <Button variant="ghost" size="sm" onClick={onChooseAnother}>
            Choose another table
          </Button>
          <Button variant="ghost" size="sm" onClick={onClear}>
            Clear
          </Button>
        </div>
      }
    >
      <div className="mb-3 flex flex-wrap items-center gap-x-4 gap-y-1 text-sm">
        <span className="inline-flex items-center gap-1.5 font-medium">
          <FileSpreadsheet aria-hidden className="size-4 text-muted" />
          {table.filename}
        </span>
        <span className="text-muted">
          {formatNumber(table.rowCount)} rows · {formatNumber(table.columns.length)} columns · {table.format.toUpperCase()}
        </span>
      </div>
      {table.longRows > 0 ? (
        <div className="mb-3">
          <Notice tone="warning" title={`${formatNumber(table.longRows)} rows have more cells than the header`}>
            Their extra cells are left out. Give those columns a header if you need them.
          </Notice>
        </div>
      ) : null}
      <div className="overflow-x-auto rounded-lg border border-border">
        <table className="w-full text-left text-xs">
          <caption className="sr-only">The first rows of {table.filename}</caption>
          <thead className="bg-subtle/60 text-muted">
            <tr>
              <th scope="col" className="px-3 py-2 font-medium">
                #
              </th>
              {table.columns.map((column) => (
                <th key={column} scope="col" className="px-3 py-2 font-mono font-medium whitespace-nowrap">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-border">
            {table.sample.slice(0, SHOWN_ROWS).map((row, index) => (
              <tr key={index}>
                <td className="px-3 py-1.5 text-muted tabular-nums">{index + 1}</td>
                {table.columns.map((column, cell) => (
                  <td key={column} className="max-w-64 truncate px-3 py-1.5" title={row[cell] ?? ''}>
                    {row[cell] ?? <span className="text-muted">—</span>}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {table.rowCount > SHOWN_ROWS ? (
        <p className="mt-2 text-xs text-muted">
          The first {SHOWN_ROWS} of {formatNumber(table.rowCount)} rows.
        </p>
      ) : null}
    </Card>
  )
}
