from carewatch.cli import main

main()
