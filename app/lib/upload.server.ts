import { MaxPartSizeExceededError, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from '@remix-run/node'
import { MAX_UPLOAD_BYTES, UPLOAD_TOO_LARGE, uploadTooLarge } from '../../src/shared/domain/lead-import'

export type UploadedFile = { ok: true; name: string; bytes: Uint8Array } | { ok: false; status: 400 | 413; message: string }

/**
 * The one file of a multipart form (field `file`), held in memory up to the upload limit. An over-size
 * upload is refused from its declared length before a byte is read, and again if its part runs past the
 * limit (a client may not declare a length).
 */
export async function readUploadedFile(request: Request): Promise<UploadedFile> {
  const tooLarge = uploadTooLarge(Number(request.headers.get('content-length') ?? 0))
  if (tooLarge) return { ok: false, status: 413, message: tooLarge }
  let formData: FormData
  try {
    formData = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_UPLOAD_BYTES }))
  } catch (err) {
    // A part past the limit (a client that declared no length, or a small lie): the same answer as above.
    if (err instanceof MaxPartSizeExceededError) return { ok: false, status: 413, message: UPLOAD_TOO_LARGE }
    return { ok: false, status: 400, message: 'The upload could not be read: send the file from the form (multipart/form-data).' }
  }
  const file = formData.get('file')
  if (!(file instanceof File) || file.size === 0) return { ok: false, status: 400, message: 'Choose a .csv or .xlsx file to upload.' }
  return { ok: true, name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) }
}
