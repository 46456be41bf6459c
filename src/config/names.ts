/** Names of features, flags and match attributes: 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
