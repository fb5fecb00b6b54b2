export {
  createBatchFileValidator,
  validateBatchFile,
  type BatchFileFacts,
  type BatchFileSource,
  type BatchFileValidator,
  type ValidateOptions,
  type ValidationProgress,
  type ValidationReport,
} from './validator'
export { BATCH_FILE_ERROR_CODES, BATCH_LIMIT_CODES, isBatchLimitError, type BatchFileError, type BatchFileErrorCode } from './errors'
export { DEFAULT_MAX_BYTES, DEFAULT_MAX_EMBEDDING_INPUTS, DEFAULT_MAX_ERRORS, DEFAULT_MAX_REQUESTS, DEFAULT_MODELS, OPENAI_BATCH_ENDPOINTS } from './limits'
export { TOKEN_ENCODINGS, TOKEN_ESTIMATE_MODES, encodingForModel, loadTokenCounter, type TokenEncoding, type TokenEstimateMode } from './tokens'
export { detectUtf16, utf16ConvertCommand, type Utf16Encoding } from './encoding'
export {
  LINE_FORMATS,
  describeNativeFormat,
  formatRefusal,
  isNativeFormat,
  lineFormatOf,
  mixedFormatMessage,
  type LineFormat,
  type NativeFormat,
} from './native'
