from edunews.cli import main

main()
