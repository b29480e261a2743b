from spineball.cli import main

main()
