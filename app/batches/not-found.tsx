import { BatchNotFound } from '@/components/batches/batch-not-found'

export default function NotFound() {
  return <BatchNotFound />
}
