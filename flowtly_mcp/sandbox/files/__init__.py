"""Documents the sandbox produces as files: FA(3) e-invoice XML, UPO receipts, PDFs, MT940 statements, zips."""
