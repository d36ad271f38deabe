"""Analysis of closed rounds and the PDF gap report (independent of the web layer)."""
