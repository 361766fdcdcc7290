import packageJson from '../../package.json';

/** The engine's version, stamped into every report. */
export const ENGINE_VERSION: string = packageJson.version;
