from needs.main import run

run()
