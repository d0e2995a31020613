"""Writers: text tables, JSON and XLSX. Files are written atomically (temp file, then rename)."""
