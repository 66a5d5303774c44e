"""catalogs/report"""
