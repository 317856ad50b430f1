"""folder"""
