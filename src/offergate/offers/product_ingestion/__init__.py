"""offers/product_ingestion: the offer gate on Microsoft's Product Ingestion API (Microsoft Graph)."""
