/** The process surface a command uses; injectable so commands are tested without spawning a process. */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The working directory relative paths are resolved against. */
  readonly cwd: string;
}
