"""The Curtois & Qu (2014) staff-scheduling benchmark: reader, mapping to the engine, checker, CLI.

``python -m bench.curtois PATH/InstanceN.txt --time-limit 60`` solves one instance;
``python -m bench.curtois.table DIR`` runs a set and writes the markdown table.
"""
