"""offers/cloud_partner_portal"""
