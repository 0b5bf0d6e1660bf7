"""Pure rules of 衢执法发〔2023〕3号, one module per clause; no I/O, no web, no clock reads."""
