"""Test doubles that speak each vendor's real wire protocol, on 127.0.0.1 only.

- `index`: a password-protected package index (pypiserver) and `build_wheel`
- `codeartifact`: AWS CodeArtifact's GetAuthorizationToken endpoint
- `google`: Google's OAuth2 token endpoint, STS and the GCE metadata server
- `bin`: fake `az`, `gcloud`, `CredentialProvider.Microsoft`, `keyring`, and a counting wrapper
"""
