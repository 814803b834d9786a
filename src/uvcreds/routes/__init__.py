"""The routes that hand the pipeline's decision to uv: `store/` (uv's own credential
store). The environment and keyring routes still live in the flat modules (hook.py,
answers.py) until they move here."""
