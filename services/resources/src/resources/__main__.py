from resources.main import run

run()
