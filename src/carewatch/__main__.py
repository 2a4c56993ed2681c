from carewatch.cli import app

app(prog_name="carewatch")
