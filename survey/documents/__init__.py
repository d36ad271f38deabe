"""Documents made from a round for paper: invitation slips (A4 PDF with QR codes), the
mail-merge CSV, and slip batches drawn in the background for large rounds."""
