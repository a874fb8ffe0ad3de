"""KSeF e-invoicing: raw e-invoice operations, downloads, the sending workflow and its status."""
