package main

// The vocabulary the seed draws from: Brazilian names, blog topics about
// databases and Go, comments, courses. Every list is fixed, so the same seed
// always picks the same words.

var primeirosNomes = []string{
	"Ana", "Beatriz", "Bruno", "Camila", "Carlos", "Carolina", "Daniel", "Débora",
	"Eduardo", "Fernanda", "Gabriel", "Gabriela", "Guilherme", "Helena", "Igor", "Isabela",
	"João", "Joana", "Júlia", "Larissa", "Leonardo", "Letícia", "Lucas", "Luana",
	"Marcelo", "Mariana", "Mateus", "Natália", "Otávio", "Patrícia", "Paulo", "Rafael",
	"Renata", "Ricardo", "Rodrigo", "Sabrina", "Sérgio", "Tatiana", "Thiago", "Vanessa",
	"Vinícius", "Vitória", "Wagner", "Yasmin", "Álvaro", "Cecília", "Conceição", "Fábio",
	"Heloísa", "Inês", "Jéssica", "Lívia", "Márcio", "Mônica", "Raquel", "Simone",
}

var sobrenomes = []string{
	"Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira",
	"Lima", "Gomes", "Costa", "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes",
	"Soares", "Fernandes", "Vieira", "Barbosa", "Rocha", "Dias", "Nascimento", "Andrade",
	"Moreira", "Nunes", "Marques", "Machado", "Mendes", "Freitas", "Cardoso", "Ramos",
	"Gonçalves", "Araújo", "Teixeira", "Correia", "Monteiro", "Brandão", "Falcão", "Magalhães",
}

var dominiosEmail = []string{"example.com", "example.org", "example.net"}

var ddds = []string{"11", "21", "31", "41", "48", "51", "61", "71", "81", "85", "92"}

// Postagem titles are a pattern filled with a topic.
var padroesTitulo = []string{
	"Como versionar %s sem dor de cabeça",
	"%s na prática: um guia passo a passo",
	"Cinco erros comuns com %s",
	"O que aprendi migrando %s para produção",
	"Por que revisar %s antes do deploy",
	"Perguntas frequentes sobre %s",
	"%s: do zero ao primeiro deploy",
	"Um ano usando %s no time",
	"Boas práticas para %s",
	"Testando %s com PostgreSQL de verdade",
}

var temas = []string{
	"o banco de dados", "migrações com Atlas", "consultas com sqlc", "o schema.sql",
	"índices no PostgreSQL", "chaves estrangeiras", "transações em Go", "o pgx",
	"paginação por cursor", "o COPY do PostgreSQL", "restrições CHECK", "dados de teste",
	"o histórico de migrações", "revisões de schema", "tipos enum", "colunas identity",
}

var frasesConteudo = []string{
	"Neste texto mostro o caminho que seguimos no projeto.",
	"A ideia é simples: o schema desejado vive em um único arquivo.",
	"Cada mudança vira uma migração revisada antes de chegar ao banco.",
	"As consultas ficam em SQL e o código Go é gerado a partir delas.",
	"Os testes rodam contra um PostgreSQL real, criado na hora.",
	"No fim, nenhum dado fica pela metade quando algo dá errado.",
	"Vale a pena medir antes de otimizar qualquer coisa.",
	"Deixo no final os links para quem quiser se aprofundar.",
	"O exemplo completo está no repositório do projeto.",
	"Comentem o que funcionou (ou não) no time de vocês.",
}

// Comentarios are an opening, a remark and sometimes a closing.
var aberturasComentario = []string{
	"Ótimo texto!", "Muito bom.", "Excelente explicação.", "Concordo.", "Discordo um pouco.",
	"Que post útil!", "Salvei para ler de novo.", "Finalmente entendi.", "Boa!", "Interessante.",
	"Parabéns pelo conteúdo.", "Obrigada por escrever isso.", "Valeu!", "Hmm,", "Show de bola.",
}

var observacoesComentario = []string{
	"Aqui no time usamos exatamente esse fluxo.",
	"Não sabia que dava para gerar a migração a partir do schema.",
	"Senti falta de um exemplo com rollback.",
	"E como fica isso com várias pessoas mexendo no schema ao mesmo tempo?",
	"O trecho sobre índices me salvou hoje.",
	"Vou testar no meu projeto ainda esta semana.",
	"Funciona igual no MySQL?",
	"Fiquei com dúvida na parte das chaves estrangeiras.",
	"A comparação com o Alembic ajudou muito.",
	"Já passei por esse problema em produção.",
	"Dá para rodar isso no CI sem Docker?",
	"O COPY é absurdamente mais rápido mesmo.",
	"Revisar a migração antes do apply evita muita dor de cabeça.",
	"Seria legal uma continuação sobre testes.",
	"Esse cuidado com transações faz toda a diferença.",
	"Mostrei para o pessoal do trabalho e todo mundo gostou.",
}

var fechamentosComentario = []string{
	"", "", "", "Abraços!", "Obrigado por compartilhar.", "Aguardo o próximo.", "Sucesso!",
}

// Cursos are a form applied to a subject; editions keep titles unique at
// large scales.
var assuntosCurso = []string{
	"Go", "PostgreSQL", "SQL", "Modelagem de Dados", "Migrações de Banco", "Testes Automatizados",
	"APIs REST", "Docker", "Kubernetes", "Git", "Linux", "Observabilidade",
	"Segurança de Aplicações", "Arquitetura de Software", "Estruturas de Dados", "Algoritmos",
	"Python", "Concorrência", "Desempenho de Consultas", "Integração Contínua",
}

var formasCurso = []string{
	"Introdução a %s", "%s na Prática", "%s Avançado", "Fundamentos de %s", "Oficina de %s",
}

var descricoesCurso = []string{
	"Aulas práticas com exercícios a cada encontro.",
	"Do básico ao uso em produção, com projeto final.",
	"Curso intensivo com estudos de caso reais.",
	"Teoria na medida certa e muita prática guiada.",
}

var biosInstrutor = []string{
	"Desenvolvedora há mais de dez anos, apaixonada por bancos de dados.",
	"Engenheiro de software e professor universitário.",
	"Trabalha com infraestrutura e gosta de automatizar tudo.",
	"Especialista em PostgreSQL e desempenho de consultas.",
	"Mentora de times que estão começando com Go.",
	"",
}

// siglas abbreviate assuntosCurso in turma codes, in the same order.
var siglas = []string{
	"GO", "PG", "SQL", "MOD", "MIG", "TST", "API", "DCK", "K8S", "GIT", "LNX", "OBS",
	"SEG", "ARQ", "ED", "ALG", "PY", "CON", "DES", "CI",
}
