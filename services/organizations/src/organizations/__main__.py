from organizations.main import run

run()
