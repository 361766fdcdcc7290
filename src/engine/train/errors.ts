/**
 * A training or prediction request that cannot be carried out as given — a setting out of range, an option that does
 * not apply to the model, a backend that is not installed, a folder that is not a saved model. It is the user's to
 * fix, so the worker reports it as `kind: 'input'` and the CLI as a usage error (exit 2), never as an internal error.
 */
export type TrainInputCode = 'invalidConfig' | 'unsupportedOption' | 'backendUnavailable' | 'modelFile' | 'badOutput';

export class TrainInputError extends Error {
  readonly code: TrainInputCode;
  constructor(code: TrainInputCode, message: string) {
    super(message);
    this.name = 'TrainInputError';
    this.code = code;
  }
}
