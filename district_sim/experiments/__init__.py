"""experiments (placeholder)"""
