/** Thrown by a command that has said all it has to say and only needs a non-zero exit code (no error line). */
export class ExitStatus extends Error {
  constructor(
    /** The process exit code. */
    readonly code: number,
  ) {
    super(`exit ${code}`);
  }
}
