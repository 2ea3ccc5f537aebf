from matching.main import run

run()
