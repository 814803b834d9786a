"""The routes that hand a decision to uv: exported variables (env/), uvcreds as uv's keyring
(keyring/), and uv's own credential store (store/)."""
