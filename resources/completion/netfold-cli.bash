# bash completion for netfold-cli: commands, each command's options, .onnx files, pass names.
_netfold_cli()
{
    local cur prev words cword
    _init_completion || return

    if [[ $cword -eq 1 ]]; then
        COMPREPLY=($(compgen -W 'info simplify diff --help --version' -- "$cur"))
        return
    fi

    local command=${words[1]}
    case $prev in
        --overwrite-input-shape | --input-shape | --check-input-shape | --unused-output | --keep | --check | \
            --no-large-tensor | --fold-time | --check-memory | --check-iterations | --check-time)
            return
            ;;
        --skip-optimization)
            local passes
            passes=$("${words[0]}" simplify --list-passes 2>/dev/null | awk 'NF { print $1 }')
            COMPREPLY=($(compgen -W "$passes" -- "$cur"))
            return
            ;;
    esac

    if [[ $cur == -* ]]; then
        case $command in
            info | diff) COMPREPLY=($(compgen -W '--json --graph-only --allow-external-data-anywhere --help' -- "$cur")) ;;
            simplify)
                COMPREPLY=($(compgen -W '--skip-fuse-bn --skip-optimization --skip-constant-folding
                    --skip-shape-inference --overwrite-input-shape --no-large-tensor --unused-output
                    --check --check-input-shape --list-passes --steps --json --keep --force-input-shape --overwrite
                    --fold-time --check-memory --check-iterations --check-time --allow-external-data-anywhere --help' -- "$cur"))
                ;;
        esac
        return
    fi

    case $command in
        info | diff | simplify) _filedir onnx ;;
    esac
} &&
    complete -F _netfold_cli netfold-cli
