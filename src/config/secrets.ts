/** Config keys that hold secrets: they must come from the environment (`${VAR}`, no default) or a `*_file`. */
export const SECRET_KEYS: readonly string[] = ['token', 'client_secret', 'password', 'private_key', 'security_token'];
