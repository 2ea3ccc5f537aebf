from points.main import run

run()
