// Files zdsf writes that hold names and emails (plans, the audit log, the apply lock, state): owner-only.
export const PRIVATE_FILE_MODE = 0o600;
