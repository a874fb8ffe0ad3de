"""The machinery every tool uses: registry, binding to the SDK, guards, errors, shaping, catalog, runtime.

Domain folders use the kernel; the kernel imports no domain folder (an import-linter contract)."""
