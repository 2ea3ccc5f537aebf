from cobuilding.main import run

run()
