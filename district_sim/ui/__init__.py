"""ui (placeholder)"""
