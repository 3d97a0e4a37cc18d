"""The demo and sample data commands: load_demo, demo_users, generate_sample."""
